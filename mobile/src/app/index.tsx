export { default } from '@/features/now/now-screen';
